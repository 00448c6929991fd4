# Sourced by the benchmark scripts: ADULT_DIR is the given directory ($1), else the shared copy
# beside the project (../shared/datasets/adult), else data/datasets/adult (truststram datasets
# fetch adult).
ADULT_DIR=${1:-}
if [ -z "$ADULT_DIR" ]; then
  if [ -f "$ROOT/../shared/datasets/adult/adult.data" ]; then
    ADULT_DIR="$ROOT/../shared/datasets/adult"
  else
    ADULT_DIR="$ROOT/data/datasets/adult"
  fi
fi
