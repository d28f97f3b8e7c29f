// What an LA code may be: the DfE's 3-digit code as GIAS gives it ("LA (code)", e.g. 350 Bolton), or the 9-character ONS/GSS code (E08000001); nothing else reaches the database, file names or URLs.
const dfeCode = /^\d{3}$/;
/** ONS/GSS area codes: a country letter (E, W, S, N) and 8 digits. */
const onsCode = /^[EWSN]\d{8}$/;

export function isLaCode(code: string): boolean {
  return dfeCode.test(code) || onsCode.test(code);
}

/** The one-line reason shown when a cell is not an LA code. */
export function laCodeProblem(code: string): string {
  return `"${code}" is not an LA code (3 digits, e.g. 350 for Bolton, or an ONS code such as E08000001)`;
}
