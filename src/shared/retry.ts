/**
 * Runs `load` again after a failure, `retries` more times with growing pauses: a code chunk's
 * download can fail once on a busy or flaky connection. The last failure is thrown.
 */
export async function withRetries<T>(
  load: () => Promise<T>,
  retries = 2,
  pauseMs = 500,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await load();
    } catch (error) {
      if (i >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * (i + 1)));
    }
  }
}
