#!/usr/bin/env bash
# Rewrites Tests/EndToEndTests/Golden/ from the built hookd: `hookd dry-run --format json --explain` on
# every example. Review the diff before committing: the golden files are what the tests hold hookd to.
set -euo pipefail
cd "$(dirname "$0")/.."
hookd=${HOOKD_BINARY:-.build/debug/hookd}
set -a; . examples/dev.env; set +a
golden() { "$hookd" dry-run "$1" --source "$2" --format json --explain > "Tests/EndToEndTests/Golden/$3" || true; }
golden examples/passage/data_available.json passage passage_data_available.json
golden examples/passage/data_partially_available.json passage passage_data_partially_available.json
golden examples/passage/nothing_ready.json passage passage_nothing_ready.json
golden examples/passage/connected.json passage passage_connected.json
golden examples/passport/user_delete.json passport passport_user_delete.json
golden examples/passport/user_create.json passport passport_user_create.json
golden examples/ethpass/pass_expire.json ethpass ethpass_pass_expire.json
golden examples/passfort/product_status_changed.json passfort passfort_product_status_changed.json
golden examples/passfort/batch_of_3.json passfort passfort_batch_of_3.json
