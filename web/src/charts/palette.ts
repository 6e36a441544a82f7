/** Series colours, distinguishable on white and in order of use. */
export const PALETTE = ['#2f6fde', '#e4572e', '#17a589', '#9b59b6', '#f1a208', '#2c3e50', '#d81b60', '#6d8f00', '#00838f', '#8d6e63'] as const;

/** The `i`th palette colour (wrapping). */
export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** `hex` (#rrggbb) with an alpha channel, for the faint raw line behind a smoothed one. */
export function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255).toString(16).padStart(2, '0');
  return `${hex}${a}`;
}
