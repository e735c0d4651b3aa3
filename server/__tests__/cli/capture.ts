// How the CLI tests run `rulecord`: in this process, with what it prints captured as text.
import { Writable } from 'node:stream';
import { runCli, type RunCliOptions } from '../../src/cli/run.js';

/** A stream that keeps everything written to it in `text`. */
export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `rulecord <argv…>` and resolves to its exit code and output. The environment is empty unless given, so a
 * variable of the machine running the tests never leaks into a command.
 *
 * @example
 * const { code, stdout } = await runCommand(['fmt', '--check', 'guild.yaml'], { cwd: dir });
 */
export async function runCommand(
  argv: string[],
  options: Omit<RunCliOptions, 'stdout' | 'stderr'> = {},
): Promise<CommandResult> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runCli(argv, { env: {}, ...options, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
