#!/usr/bin/env bash
# Checks the monitoring config: promtool on the rules and the Prometheus config, the dashboard JSON
# parses, every dashboard query is valid PromQL, and every metric used is one we know exists.
# Exits non-zero on the first failure.   deploy/monitoring/check.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; installing Debian's prometheus package" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus >/dev/null
fi

promtool check rules "$here/alerts.rules.yml"
promtool check config "$here/prometheus.yml"

command -v node >/dev/null 2>&1 || { echo "node not found: cannot check the dashboard" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Dashboard queries, with Grafana variables replaced, as recording rules: promtool parses the PromQL.
REPO="$repo" HERE="$here" TMP="$tmp" node <<'EOF'
const fs = require('fs');
const path = require('path');
const { HERE, TMP, REPO } = process.env;

const dash = JSON.parse(fs.readFileSync(path.join(HERE, 'grafana-dashboard.json'), 'utf8'));
const panels = dash.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const dashExprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const varExprs = dash.templating.list.flatMap((v) =>
  v.type === 'query' ? [String(v.definition).replace(/^label_values\((.*),\s*\w+\)$/, '$1')] : []);
const concrete = (e) =>
  e.replace(/\$__rate_interval/g, '5m').replace(/\$(source|task_queue)\b/g, '.*');
const rules = [...dashExprs, ...varExprs].map((e, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(concrete(e))}`);
fs.writeFileSync(path.join(TMP, 'dashboard.rules.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);

// Every metric name used must be one of these. Gateway: src/gateway/metrics.ts (+ prom-client's default
// metrics with the switchboard_ prefix). Worker: Temporal SDK Core, TS SDK 1.24 defaults (prefix
// temporal_, no _total on counters, no unit suffix on histograms, which are in milliseconds).
const GATEWAY = [
  'switchboard_webhook_requests_total',
  'switchboard_webhook_verification_failures_total',
  'switchboard_runs_started_total',
  'switchboard_webhook_duplicates_total',
  'switchboard_webhook_events_ignored_total',
  'switchboard_http_request_duration_seconds', // histogram
];
const GATEWAY_DEFAULT = ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes'];
const CORE_COUNTERS_GAUGES = [
  'workflow_completed', 'workflow_failed', 'activity_execution_failed', 'activity_task_received',
  'worker_task_slots_available', 'worker_task_slots_used',
];
const CORE_HISTOGRAMS = [
  'workflow_task_schedule_to_start_latency', 'workflow_task_execution_latency',
  'activity_schedule_to_start_latency', 'activity_execution_latency',
];
const histo = (n) => ['_bucket', '_sum', '_count'].map((s) => n + s);
const allowed = new Set([
  'up',
  ...GATEWAY.filter((n) => !n.endsWith('_seconds')),
  ...histo('switchboard_http_request_duration_seconds'),
  ...GATEWAY_DEFAULT.map((n) => 'switchboard_' + n),
  ...CORE_COUNTERS_GAUGES.map((n) => 'temporal_' + n),
  ...CORE_HISTOGRAMS.flatMap((n) => histo('temporal_' + n)),
]);

const rulesText = fs.readFileSync(path.join(HERE, 'alerts.rules.yml'), 'utf8');
const ruleExprs = [];
{
  // The expr: values of the rules file (inline or block scalars), without a YAML parser.
  const lines = rulesText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^(\s*)expr:\s*(.*)$/);
    if (!m) continue;
    if (m[2] !== '|' && m[2] !== '>') { ruleExprs.push(m[2]); continue; }
    const block = [];
    while (i + 1 < lines.length && (lines[i + 1].trim() === '' || lines[i + 1].search(/\S/) > m[1].length)) block.push(lines[++i]);
    ruleExprs.push(block.join('\n'));
  }
}

const names = new Set();
for (const e of [...dashExprs, ...varExprs, ...ruleExprs]) {
  const stripped = e.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  for (const n of stripped.match(/\b(?:switchboard|temporal)_[a-z0-9_]+\b|\bup\b/g) ?? []) names.add(n);
}
const unknown = [...names].filter((n) => !allowed.has(n));
if (unknown.length) {
  console.error(`unknown metric names: ${unknown.join(', ')}`);
  process.exit(1);
}

// Best effort: the allowlist against the sources, when they are installed.
const grepTree = (dir, needle, exts) => {
  if (!fs.existsSync(dir)) return null;
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).some((f) => {
    const p = path.join(d, f.name);
    if (f.isDirectory()) return f.name !== 'target' && f.name !== 'tests' && walk(p);
    return exts.some((x) => f.name.endsWith(x)) && fs.readFileSync(p, 'utf8').includes(needle);
  });
  return walk(dir);
};
const missing = [];
const core = path.join(REPO, 'node_modules/@temporalio/core-bridge/sdk-core/crates');
for (const n of [...CORE_COUNTERS_GAUGES, ...CORE_HISTOGRAMS]) if (grepTree(core, `"${n}"`, ['.rs']) === false) missing.push(`temporal_${n} (Core)`);
for (const n of GATEWAY) if (grepTree(path.join(REPO, 'src'), `'${n}'`, ['.ts']) === false) missing.push(`${n} (src)`);
const promClient = path.join(REPO, 'node_modules/prom-client/lib/metrics');
for (const n of GATEWAY_DEFAULT) if (grepTree(promClient, `'${n}'`, ['.js']) === false) missing.push(`switchboard_${n} (prom-client)`);
if (missing.length) {
  console.error(`metric names not found in their source: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`dashboard: ${panels.length} panels, ${dashExprs.length} queries; metric names OK: ${[...names].sort().join(', ')}`);
EOF

promtool check rules "$tmp/dashboard.rules.yml" >/dev/null
echo "dashboard queries: valid PromQL"
