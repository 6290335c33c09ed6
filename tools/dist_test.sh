#!/usr/bin/env bash
# Evaluate on GPUS processes of this machine (one per GPU, or CPU processes
# with the gloo backend when there is no GPU):
#   tools/dist_test.sh CONFIG CHECKPOINT GPUS [tools/test.py options]
# e.g. tools/dist_test.sh configs/yolov3/yolov3_mbv2_shapes.py \
#          data/checkpoints/yolov3_mbv2_shapes.pth 2 --snn if_channel --stats
# Several machines: set NNODES, NODE_RANK, MASTER_ADDR (and PORT) as torchrun
# expects them.
set -euo pipefail
if [ "$#" -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT GPUS [tools/test.py options]" >&2
    exit 2
fi
CONFIG=$1
CHECKPOINT=$2
GPUS=$3
shift 3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
cd "$(dirname "$0")/.."
# The repository's environment (make demo / make test build it) when it
# exists, else the python on PATH.
if [ -x .venv/bin/python ]; then
    PYTHON=.venv/bin/python
else
    PYTHON=python
fi
PYTHONPATH="$(pwd):${PYTHONPATH:-}" \
"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" --master_port="$PORT" \
    tools/test.py "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
