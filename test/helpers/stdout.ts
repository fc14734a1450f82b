// Captures what a command run in-process writes to stdout, for tests that call a command's
// action directly. Restore with vi.restoreAllMocks().
import { vi } from 'vitest';

/** Replaces process.stdout.write; the returned array fills with each chunk written. */
export function captureStdout(): string[] {
  const written: string[] = [];
  // Like a real stream, the mock calls back once written: io.deliver waits for it.
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    },
  );
  return written;
}
