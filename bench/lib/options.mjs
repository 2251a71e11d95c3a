// Command-line options of `npm run bench`, and the run profile each selects.

const USAGE = `usage: npm run bench -- [--quick] [--only=<scenario>[,<scenario>…]] [--profile] [--record] [--no-build]
  --quick     short runs and smaller data sets (whole run under 3 minutes)
  --only      run only the named scenarios (see the list printed at the start of a run)
  --profile   run every server under test with --cpu-prof and summarise its top self-time functions
  --record    write the figures of this run into BENCHMARKS.md
  --no-build  use packages/*/dist as it is instead of running \`npm run build\` first`;

export const PROFILES = {
  full: {
    durationMs: 2500,
    warmupMs: 2000,
    rounds: 7,
    rssCheckpoints: [0, 250_000, 500_000, 1_000_000],
  },
  quick: {
    durationMs: 800,
    warmupMs: 400,
    rounds: 5,
    rssCheckpoints: [0, 10_000, 20_000],
  },
};

export function parseOptions(argv) {
  const options = { quick: false, only: null, profile: false, record: false, build: true };
  for (const arg of argv) {
    if (arg === '--quick') options.quick = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--record') options.record = true;
    else if (arg === '--no-build') options.build = false;
    else if (arg.startsWith('--only=')) options.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg === '--help' || arg === '-h') return { help: USAGE };
    else return { error: `unknown option ${arg}\n${USAGE}` };
  }
  return { options: { ...options, settings: PROFILES[options.quick ? 'quick' : 'full'] } };
}
