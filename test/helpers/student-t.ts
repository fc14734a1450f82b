// Student's t CDF computed independently of ml-cost's incomplete beta function: in closed form
// for 3 degrees of freedom, and by Simpson's rule over the density for any whole ν.

/** F_3(t) = 1/2 + (t / (√3 (1 + t²/3)) + atan(t / √3)) / π. */
export function tCdf3(t: number): number {
  return 0.5 + (t / (Math.sqrt(3) * (1 + (t * t) / 3)) + Math.atan(t / Math.sqrt(3))) / Math.PI;
}

/** Γ(n/2) for a whole n, from Γ(1/2) = √π and Γ(1) = 1. */
function gammaHalf(n: number): number {
  let value = n % 2 === 0 ? 1 : Math.sqrt(Math.PI);
  for (let k = n % 2 === 0 ? 2 : 1; k < n; k += 2) value *= k / 2;
  return value;
}

/** F_ν(t) by Simpson's rule over the density from 0 to |t| (20 000 panels), ν whole. */
export function tCdfByIntegration(t: number, nu: number): number {
  const c = gammaHalf(nu + 1) / (Math.sqrt(nu * Math.PI) * gammaHalf(nu));
  const density = (x: number) => c * (1 + (x * x) / nu) ** (-(nu + 1) / 2);
  const end = Math.abs(t);
  const panels = 20_000;
  const h = end / panels;
  let sum = density(0) + density(end);
  for (let i = 1; i < panels; i++) sum += (i % 2 === 1 ? 4 : 2) * density(i * h);
  const half = (sum * h) / 3;
  return t >= 0 ? 0.5 + half : 0.5 - half;
}
