/**
 * The compiled form of an event pattern.
 *
 * Glossary:
 * - Scalar: a JSON leaf value of an event (string, number, boolean, null).
 * - Leaf: one match expression of a pattern (`"x"`, `{"prefix": "a"}`, ...).
 * - Condition: the leaves of one field, OR-ed; a field path joined with `.`.
 * - Branch: conditions AND-ed; a pattern is a list of branches (one per `$or` choice).
 */

/** A JSON leaf value as found in a flattened event. */
export type Scalar = string | number | boolean | null;

/** One match expression, after validation. */
export type Leaf =
  | { readonly kind: 'exact'; readonly value: Scalar }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly value: string }
  | { readonly kind: 'numeric'; readonly range: NumericRange }
  | { readonly kind: 'exists'; readonly value: boolean }
  | { readonly kind: 'cidr'; readonly family: 4 | 6; readonly bits: string; readonly base: string }
  | { readonly kind: 'anything-but'; readonly values: readonly (string | number)[] }
  | { readonly kind: 'anything-but-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-prefix'; readonly value: string }
  | { readonly kind: 'anything-but-suffix'; readonly value: string }
  | { readonly kind: 'anything-but-wildcard'; readonly values: readonly string[] };

/** A numeric interval; open ends exclude the bound. */
export interface NumericRange {
  readonly lo: number;
  readonly loOpen: boolean;
  readonly hi: number;
  readonly hiOpen: boolean;
}

/** The leaves of one field path, OR-ed. */
export interface Condition {
  readonly path: string;
  readonly leaves: readonly Leaf[];
}

/** Conditions AND-ed. */
export type Branch = readonly Condition[];
