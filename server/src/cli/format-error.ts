import { RulecordError } from '@rulecord/engine';

/**
 * Describes a failure for a person at a terminal, without a stack trace: the message (a `ConfigError` has one line
 * per problem), then the fix and the code on their own line. The stack is added only with `RULECORD_DEBUG=1`.
 */
export function formatError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  let text: string;
  if (error instanceof RulecordError) {
    text = `${error.message}\n  ${error.fix ? `fix: ${error.fix} ` : ''}[${error.code}]`;
  } else if (error instanceof Error) {
    text = error.message || error.name;
  } else {
    text = String(error);
  }
  if (env.RULECORD_DEBUG && error instanceof Error && error.stack) text += `\n${error.stack}`;
  return text;
}
