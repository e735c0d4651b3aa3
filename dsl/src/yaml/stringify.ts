import { visit, type Document, type YAMLMap, type YAMLSeq } from 'yaml';

/** How every YAML document is written (`fmt`, `compile --to yaml`, the edit API). */
export const YAML_OPTIONS = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
  flowCollectionPadding: true,
} as const;

/**
 * Writes a YAML document in Rulecord's layout, which is also Prettier's: `{ a: b }` with spaces inside braces,
 * `[a, b]` without spaces inside brackets (the `yaml` package pads both or neither, so each flow list is told).
 */
export function stringifyYaml(doc: Document): string {
  // Every collection, not only those marked `flow`: a new map set inside a flow list is written in flow too.
  visit(doc, {
    Seq(_, node) {
      withPadding(node, '');
    },
    Map(_, node) {
      withPadding(node, ' ');
    },
  });
  return doc.toString(YAML_OPTIONS);
}

function withPadding(node: YAMLSeq | YAMLMap, padding: string): void {
  const own = node as unknown as { toString: (ctx?: object, onComment?: unknown, onChompKeep?: unknown) => string };
  const original = Object.getPrototypeOf(node).toString as typeof own.toString;
  own.toString = (ctx, onComment, onChompKeep) =>
    original.call(node, ctx ? { ...ctx, flowCollectionPadding: padding } : ctx, onComment, onChompKeep);
}
