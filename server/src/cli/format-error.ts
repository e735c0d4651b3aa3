import { RulecordError } from '@rulecord/engine';

/**
 * One line (or one line per problem, for a `ConfigError`) describing a failure for a person at a terminal: the
 * message, the code and the fix when known. The stack is shown only with `RULECORD_DEBUG=1`.
 */
export function formatError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  let text: string;
  if (error instanceof RulecordError) {
    text = `${error.message}${error.fix ? ` — ${error.fix}` : ''} [${error.code}]`;
  } else if (error instanceof Error) {
    text = error.message || error.name;
  } else {
    text = String(error);
  }
  if (env.RULECORD_DEBUG && error instanceof Error && error.stack) text += `\n${error.stack}`;
  return text;
}
