import { describe, expect, test } from 'vitest';
import { RulecordError, createRegistry, defineModule, parseTemplateRef, type ModuleDefinition } from '@rulecord/engine';
import { discord, spam, testModules } from '../schema/fixtures/modules.js';

const noop = async (): Promise<void> => {};
const mod = (over: Partial<ModuleDefinition>): ModuleDefinition =>
  defineModule({ id: 'demo', version: '1.0.0', name: 'Demo', description: 'Demo.', ...over });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RulecordError);
    expect((e as RulecordError).kind).toBe('bug');
    return (e as RulecordError).code;
  }
  return undefined;
}

describe('createRegistry', () => {
  const registry = createRegistry(testModules);

  test('looks up modules, facts, actions, events and owners', () => {
    expect(registry.module('spam')).toBe(spam);
    expect(registry.fact('message.length')?.name).toBe('message.length');
    expect(registry.action('message.delete')?.description).toBe('Deletes the message.');
    expect(registry.event('member.join')?.name).toBe('member.join');
    expect(registry.ownerOf('message.delete')).toBe(discord);
    expect(registry.ownerOf('anti-spam')).toBe(spam);
    expect(registry.fact('nope.nope')).toBeUndefined();
    expect(registry.facts().length).toBe(10);
    expect(registry.actions().map((a) => a.name)).toContain('role.add');
    expect(registry.events().map((e) => e.name)).toEqual([
      'message.create',
      'message.update',
      'member.join',
      'xp.levelUp',
    ]);
  });

  test('templates by `id@version`, or the latest by id', () => {
    expect(registry.template('anti-spam@1')?.version).toBe(1);
    expect(registry.template('anti-spam@2')?.version).toBe(2);
    expect(registry.template('anti-spam')?.version).toBe(2);
    expect(registry.template('anti-spam@3')).toBeUndefined();
    expect(registry.template('Anti-Spam')).toBeUndefined();
    expect(registry.templates().map((t) => `${t.id}@${t.version}`)).toEqual([
      'anti-spam@1',
      'anti-spam@2',
      'ai-helper@1',
    ]);
  });

  test('parseTemplateRef', () => {
    expect(parseTemplateRef('anti-spam@2')).toEqual({ id: 'anti-spam', version: 2 });
    expect(parseTemplateRef('anti-spam')).toEqual({ id: 'anti-spam', version: undefined });
    expect(parseTemplateRef('anti-spam@0')).toBeNull();
    expect(parseTemplateRef('anti spam')).toBeNull();
  });

  test('rejects a module registered twice', () => {
    expect(codeOf(() => createRegistry([spam, spam]))).toBe('RC_REGISTRY_DUPLICATE');
  });

  test('rejects a name declared by two modules', () => {
    const other = mod({
      id: 'other',
      areas: ['message'],
      actions: [{ name: 'message.delete', description: 'x', params: {}, run: noop }],
    });
    expect(codeOf(() => createRegistry([discord, other]))).toBe('RC_REGISTRY_DUPLICATE');
  });

  test('rejects a template version declared twice, or a template id of two modules', () => {
    const t = { id: 'tpl', version: 1, name: 't', description: 't', inputs: {}, rules: [] };
    expect(codeOf(() => createRegistry([mod({ templates: [t, t] })]))).toBe('RC_REGISTRY_DUPLICATE');
    expect(
      codeOf(() => createRegistry([mod({ templates: [t] }), mod({ id: 'demo-2', templates: [{ ...t, version: 2 }] })])),
    ).toBe('RC_REGISTRY_DUPLICATE');
  });

  test.each([
    ['a module id that is not kebab-case', mod({ id: 'Demo' })],
    [
      'a name outside the module id and areas',
      mod({ facts: [{ name: 'message.x', description: 'x', schema: {}, resolve: () => 0 }] }),
    ],
    ['a name without an area', mod({ actions: [{ name: 'delete', description: 'x', params: {}, run: noop }] })],
    [
      'a fact in the reserved `event` area',
      mod({ areas: ['event'], facts: [{ name: 'event.x', description: 'x', schema: {}, resolve: () => 0 }] }),
    ],
    [
      'a template id that is not kebab-case',
      mod({ templates: [{ id: 'Tpl', version: 1, name: 't', description: 't', inputs: {}, rules: [] }] }),
    ],
    [
      'a template version below 1',
      mod({ templates: [{ id: 'tpl', version: 0, name: 't', description: 't', inputs: {}, rules: [] }] }),
    ],
  ])('rejects %s (RC_REGISTRY_BAD_NAME)', (_name, module) => {
    expect(codeOf(() => createRegistry([module]))).toBe('RC_REGISTRY_BAD_NAME');
  });

  test('accepts names in a declared area', () => {
    const ok = mod({
      areas: ['message'],
      facts: [{ name: 'message.words', description: 'x', schema: {}, resolve: () => 0 }],
    });
    expect(createRegistry([ok]).fact('message.words')).toBeDefined();
  });

  test('the error says how to fix the name', () => {
    try {
      createRegistry([mod({ facts: [{ name: 'message.x', description: 'x', schema: {}, resolve: () => 0 }] })]);
    } catch (e) {
      expect((e as RulecordError).fix).toContain("add `message` to the module's `areas`");
    }
  });
});
