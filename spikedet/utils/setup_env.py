"""One call that makes every spikedet and mmdet module findable."""
import datetime
import warnings

from mmengine import DefaultScope

from ..registry import SCOPE


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import mmdet's and spikedet's modules so that they register.

    Args:
        init_default_scope: Make ``'spikedet'`` the default scope. When another
            scope is already current, a new ``spikedet`` scope instance is
            created and made current, with a warning. Defaults to True.
    """
    import mmdet.datasets  # noqa: F401
    import mmdet.engine  # noqa: F401
    import mmdet.evaluation  # noqa: F401
    import mmdet.models  # noqa: F401
    import mmdet.visualization  # noqa: F401

    import spikedet.datasets  # noqa: F401
    import spikedet.engine  # noqa: F401
    import spikedet.evaluation  # noqa: F401
    import spikedet.models  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created(SCOPE):
        DefaultScope.get_instance(SCOPE, scope_name=SCOPE)
    elif current.scope_name != SCOPE:
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      f'not "{SCOPE}"; a new "{SCOPE}" scope is made current.',
                      stacklevel=2)
        stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S%f')
        DefaultScope.get_instance(f'{SCOPE}-{stamp}', scope_name=SCOPE)
