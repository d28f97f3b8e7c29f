// Rank of a real matrix by Gaussian elimination with partial pivoting, for the disclosure tests' independent attackers (entries are 0/±1, so floating point is exact enough).
export function rank(m: number[][]): number {
  const a = m.map((row) => [...row]);
  let rk = 0;
  const cols = a.length ? a[0].length : 0;
  for (let c = 0; c < cols && rk < a.length; c++) {
    let piv = rk;
    for (let r = rk + 1; r < a.length; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (Math.abs(a[piv][c]) < 1e-9) continue;
    [a[rk], a[piv]] = [a[piv], a[rk]];
    for (let r = 0; r < a.length; r++) {
      if (r === rk) continue;
      const f = a[r][c] / a[rk][c];
      for (let k = c; k < cols; k++) a[r][k] -= f * a[rk][k];
    }
    rk++;
  }
  return rk;
}
