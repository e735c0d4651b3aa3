import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { RulecordError } from '../errors/error.js';
import type { ActionDefinition } from '../model/module.js';
import { RUNTIME_CODES } from './codes.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

// Rendered parameters are validated at run time (placeholders can only be checked statically at load).
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));
const validators = new WeakMap<ActionDefinition, ValidateFunction>();

function validatorOf(action: ActionDefinition): ValidateFunction {
  let v = validators.get(action);
  if (!v) {
    v = ajv.compile(action.params);
    validators.set(action, v);
  }
  return v;
}

/**
 * Validates an action's rendered parameters (schema defaults are applied to the given object).
 * @throws RulecordError `RC_BAD_PARAM` (a user error: never retried).
 */
export function validateParams(action: ActionDefinition, params: unknown, pointer: string): void {
  const validate = validatorOf(action);
  if (validate(params)) return;
  const first = validate.errors?.[0];
  const where = first?.instancePath ? first.instancePath : '';
  const detail = (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(params)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
  throw new RulecordError(
    RUNTIME_CODES.RC_BAD_PARAM,
    `The parameters of "${action.name}" are invalid after rendering its variables: ${detail}.`,
    {
      kind: 'user',
      pointer: `${pointer}/${action.name.replace(/~/g, '~0').replace(/\//g, '~1')}${where}`,
      fix: 'Check the variables used in this parameter: a variable that is empty or of another type than the action expects renders an invalid value (use `| default: …`).',
      details: { params: params as object, errors: validate.errors ?? [] },
    },
  );
}
