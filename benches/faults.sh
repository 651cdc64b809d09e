#!/usr/bin/env bash
# Success rate and added time of deploy -> update -> destroy of the shipped stack through the
# fault proxy at 10%, 30% and 50% faults (tests/deploy_faults.rs, fault_rates_table).
#   benches/faults.sh            # 10 seeds per rate
#   FAULT_SEEDS=20 benches/faults.sh
#   FAULT_RETRY_BASE_MS=500 benches/faults.sh   # with the production backoff (500 ms up to 10 s)
# By default the retry backoff is shortened to 20 ms (up to 400 ms), as in the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test -p cfnforge-cli --features aws --test deploy_faults fault_rates_table -- --ignored --nocapture --test-threads 1
