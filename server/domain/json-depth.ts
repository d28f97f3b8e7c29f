// The nesting limit for JSON request bodies: a deeply nested body parses, but recursive validation of it would overflow the stack, so it is refused first (issue #10).
import { ValidationError } from '../../shared/errors';

/** Deepest nesting of objects and arrays any request body may have (an answer body needs 3: body, data, a multi-choice list). */
export const maxJsonDepth = 32;

/** How deep objects and arrays nest in a parsed JSON value, counted without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v as Record<string, unknown>)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Throws a 400 ValidationError when the body nests deeper than maxJsonDepth. */
export function assertJsonDepth(value: unknown): void {
  if (jsonDepth(value, maxJsonDepth) > maxJsonDepth) {
    throw new ValidationError(`The request body nests objects or arrays more than ${maxJsonDepth} deep.`, [{ pointer: '', detail: `nesting deeper than ${maxJsonDepth} levels is not accepted` }]);
  }
}
