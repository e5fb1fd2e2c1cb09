// One fresh import, timed: run by import-time.ts in a new node process per sample. Resolves from this
// directory, so `@hearth/core` and `@langchain/langgraph` come from the workspace like a user's project.
const started = performance.now();
await import(process.argv[2]);
process.stdout.write(String(performance.now() - started));
