/**
 * Runs a Node entry point's main and then leaves: tfjs (Dawn especially) can keep the event loop
 * alive after the last GPU work. A failure prints its stack, after `prefix`, and exits with 1.
 */
export function runMain(main: () => Promise<void>, prefix = ''): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${prefix}${text}\n`);
      process.exit(1);
    },
  );
}
