/**
 * `{{ inputs.<name> }}` typed as the value it stands for. In a template, a string that is exactly one placeholder is
 * replaced by the input itself (an array stays an array), so a rule field typed `string[]` may hold one.
 *
 * @example
 * where: { roles: { none: input<string[]>('exemptRoles') } }
 */
export function input<T = string>(name: string): T {
  return `{{ inputs.${name} }}` as unknown as T;
}
