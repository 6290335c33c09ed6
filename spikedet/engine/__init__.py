"""mmengine glue: hooks and runner helpers."""
