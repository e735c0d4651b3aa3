import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/run.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runCli without options (as bin/rulecord.mjs calls it)', () => {
  function captureStdout(): () => string {
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    }) as typeof process.stdout.write);
    return () => text;
  }

  it('-v prints the version on the process stdout, exit 0', async () => {
    const out = captureStdout();
    expect(await runCli(['-v'])).toBe(0);
    expect(out()).toMatch(/^rulecord \d+\.\d+\.\d+\n$/);
  });

  it('-h, --help and no command at all list the commands', async () => {
    const out = captureStdout();
    expect(await runCli(['-h'])).toBe(0);
    const listing = out();
    expect(listing).toContain('Usage: rulecord <command> [options]');
    expect(await runCli([])).toBe(0);
    expect(await runCli(['--help'])).toBe(0);
    expect(out()).toBe(listing.repeat(3));
  });

  it('an unknown command goes to the process stderr, exit 2', async () => {
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    }) as typeof process.stderr.write);
    expect(await runCli(['frobnicate'])).toBe(2);
    expect(text).toBe('rulecord: unknown command "frobnicate". Run `rulecord help` for the list.\n');
  });
});
