// YAML that anyone may hand to `render`, read within bounds: a hostile file (an alias bomb, very
// deep nesting, a huge stream) gets an error naming the input and the document, never a stack
// trace, a stack overflow or gigabytes of memory. The `yaml` package needs about 500 bytes of heap
// per token, so the input is counted with its streaming lexer before anything is built from it.
import { type Document, isMap, isPair, isSeq, Lexer, type Node, parseAllDocuments } from 'yaml';

/** Largest input: a HelloService is at most a few tens of KiB (a 16 KiB message), so dozens fit. */
export const MAX_INPUT_BYTES = 1024 * 1024;
/** Tokens (scalars, indicators, whitespace) in one input; examples/hello.yaml has 46. */
export const MAX_TOKENS = 100_000;
/** Nesting of maps and lists; a HelloService needs fewer than ten levels. */
export const MAX_DEPTH = 64;
/** Nodes an alias may expand to, over a document (the yaml package's own bound, spelled out). */
export const MAX_ALIAS_COUNT = 100;

export type YamlDocument = { index: number } & ({ value: unknown } | { error: string });

/** Tells a scalar's text from a document marker of the same spelling (`a: ---`). */
const SCALAR = '\x1f';
const DOCUMENT = '\x02';
const BOM = '\u{FEFF}';

/**
 * Counts the tokens of `text` with the streaming lexer (it builds nothing) and returns the 1-based
 * document in which there were more than MAX_TOKENS, or undefined when there are not.
 */
function documentOverBudget(text: string): number | undefined {
  let tokens = 0;
  let documents = 0;
  let inDocument = false;
  let previous = '';
  for (const token of new Lexer().lex(text)) {
    if (++tokens > MAX_TOKENS) return Math.max(documents, 1);
    if (token === '---' && previous !== SCALAR) {
      documents++;
      inDocument = true;
    } else if (token === '...' && previous !== SCALAR) inDocument = false;
    else if (
      !inDocument &&
      /\S/.test(token) &&
      !token.startsWith('#') &&
      token !== DOCUMENT &&
      token !== BOM
    ) {
      documents++;
      inDocument = true;
    }
    previous = token;
  }
  return undefined;
}

/** Deepest nesting of collections in a document, walked without recursion. */
function depthOf(doc: Document): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[doc.contents, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Node | null, number];
    if (isMap(node) || isSeq(node)) {
      deepest = Math.max(deepest, depth);
      for (const item of node.items as unknown[]) {
        if (isPair(item)) stack.push([item.key, depth + 1], [item.value, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
  }
  return deepest;
}

/**
 * The documents of `text` as plain values, or one error for the whole input when it is too large.
 * A document that cannot be read safely carries an error instead of a value.
 */
export function readYamlStream(text: string): { error: string } | { documents: YamlDocument[] } {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    return { error: `larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, the most render reads` };
  }
  const over = documentOverBudget(text);
  if (over !== undefined) {
    return {
      error: `document ${over}: more than ${MAX_TOKENS} YAML tokens in the input, too many for a set of HelloServices`,
    };
  }
  return {
    documents: parseAllDocuments(text).map((doc, index): YamlDocument => {
      const [problem] = doc.errors;
      if (problem) {
        // The yaml package catches its own stack overflow on deep nesting and reports it so.
        const message =
          problem.code === 'RESOURCE_EXHAUSTION'
            ? `nested more than ${MAX_DEPTH} levels deep`
            : (problem.message.split('\n')[0] ?? 'invalid YAML');
        return { index, error: message };
      }
      if (depthOf(doc) > MAX_DEPTH) return { index, error: `nested more than ${MAX_DEPTH} levels deep` };
      try {
        return { index, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
      } catch (err) {
        // toJS throws a ReferenceError when aliases expand past maxAliasCount (a "billion laughs").
        return {
          index,
          error: `its aliases expand to more than ${MAX_ALIAS_COUNT} nodes (${(err as Error).message})`,
        };
      }
    }),
  };
}
