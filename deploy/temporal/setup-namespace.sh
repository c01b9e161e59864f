#!/usr/bin/env bash
# One-shot job (temporalio/admin-tools image), run once Temporal answers: makes sure Switchboard's namespace
# exists with the configured retention and carries the custom search attributes every run is tagged with.
# Safe to re-run: an existing namespace only gets its retention set again, and an existing search attribute
# of the same type is left as it is (one of another type fails the job: fix it by hand, never silently).
set -euo pipefail

: "${TEMPORAL_ADDRESS:?host:port of the Temporal frontend}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_RETENTION:-7d}"
SEARCH_ATTRIBUTES=(Integration Source EventType RecordId) # all Keyword, as the code declares them

# Closed runs (their IDs included) are kept this long. The gateway's duplicate detection relies on a closed
# run's workflow ID still being known when a sender retries, and senders retry for up to a few days, so a
# shorter retention would let a late retry run the same event twice.
if [[ "$RETENTION" =~ ^([0-9]+)d$ ]]; then
  hours=$(( 10#${BASH_REMATCH[1]} * 24 ))
elif [[ "$RETENTION" =~ ^([0-9]+)h$ ]]; then
  hours=$(( 10#${BASH_REMATCH[1]} ))
else
  echo "TEMPORAL_RETENTION=$RETENTION: use whole days or hours, e.g. 7d or 240h" >&2
  exit 1
fi
if (( hours < 7 * 24 )); then
  echo "TEMPORAL_RETENTION=$RETENTION is under 7 days, shorter than the senders' retry windows" >&2
  exit 1
fi

t() { temporal "$@" --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE"; }

# Retries a step while the frontend finishes starting (its caches fill a few seconds after it turns healthy).
retry() {
  local attempt
  for attempt in $(seq 1 30); do
    if "$@"; then return 0; fi
    echo "not yet ($attempt/30), retrying in 2s: $*" >&2
    sleep 2
  done
  return 1
}

ensure_namespace() {
  if t operator namespace describe >/dev/null 2>&1; then
    t operator namespace update --retention "$RETENTION"
  else
    t operator namespace create --retention "$RETENTION" \
      --description "Switchboard runs (retention covers the senders' retry windows)"
  fi
}

echo "== namespace $NAMESPACE, retention $RETENTION"
retry ensure_namespace

for name in "${SEARCH_ATTRIBUTES[@]}"; do
  echo "== search attribute $name (Keyword)"
  retry t operator search-attribute create --name "$name" --type Keyword
done

# The frontend learns new search attributes when it refreshes its namespace cache; a run started before then
# would be rejected. Wait until a query naming all of them is accepted, so the gateway and workers that start
# after this job can use them at once.
probe="$(printf "%s = 'setup-probe' AND " "${SEARCH_ATTRIBUTES[@]}")"
probe="${probe% AND }"
retry t workflow list --query "$probe" --limit 1 >/dev/null
echo "Namespace $NAMESPACE is ready."
