/**
 * Fills `{name}` placeholders in one pass. A placeholder without a value throws, so a missing
 * value is a bug found by the tests, never a "{deadline}" or "undefined" in someone's inbox.
 * Values are inserted as they are (escaping happens when the document is rendered) and are
 * never scanned again, so a display name that contains braces stays text.
 */
export function fill(text: string, vars: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`copy needs {${name}}: ${JSON.stringify(text)}`);
    return value;
  });
}
