#!/usr/bin/env bash
# Success rate and added time of deploy -> update -> destroy of the shipped stack through the
# fault proxy at 10%, 30% and 50% faults (tests/deploy_faults.rs, fault_rates_table).
#   benches/faults.sh            # 10 seeds per rate
#   FAULT_SEEDS=20 benches/faults.sh
# The retry backoff is shortened (CFNFORGE_RETRY_BASE_MS=20, as in the tests); the added time
# with the default backoff (500 ms up to 10 s) is larger.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --test deploy_faults fault_rates_table -- --ignored --nocapture --test-threads 1
