/**
 * Waits for `probe` to return a value (not undefined), asking again every 50 ms; throws naming `what`
 * after `timeoutMs`. The limit is a guard against a hang, not a speed requirement: keep it generous.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
