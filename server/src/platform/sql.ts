/** Escapes LIKE's wildcards (and the escape character) in user input: `\` is PostgreSQL's default escape. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** A case-insensitive "contains" pattern for `lower(column) LIKE $n`. */
export function containsPattern(text: string): string {
  return '%' + escapeLike(text.toLowerCase()) + '%';
}
