// The survey's closing time in words, UK time, e.g. "1 April 2025 at 09:00" (the client words it the same way).
export function formatClosing(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).replace(', ', ' at ');
}
