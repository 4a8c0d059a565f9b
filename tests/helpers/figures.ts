// Measurements tests take on the way (sizes, rates, recovery times): printed only when
// GRANTFLOW_TEST_FIGURES is set, so that `npm test` prints what a person needs — failures, skips,
// the summary — and a failure stands out. `GRANTFLOW_TEST_FIGURES=1 npx vitest run <file>` shows them.
export function reportFigure(text: string): void {
  if (process.env.GRANTFLOW_TEST_FIGURES) console.log(text);
}
