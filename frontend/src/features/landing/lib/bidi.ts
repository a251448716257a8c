/**
 * A left-to-right isolate (LRI … PDI) for a value inside a sentence: "+212 6 61 22 33 44" has no strong
 * character and "357,60 MAD" starts with a weak one, so an Arabic sentence would lay their groups out right
 * to left ("44 33 22 61 6 212+", "MAD 357,60"). Phone numbers and amounts read left to right in every language.
 */
export const ltr = (value: string) => `\u2066${value}\u2069`;
