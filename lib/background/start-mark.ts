// Imported first by entrypoints/background.ts, so evaluated before any other module of the bundle:
// the bench (test/bench/worker-start.bench.ts) tells loading the script from evaluating it by this mark.
performance.mark('convops:background-evaluating');
