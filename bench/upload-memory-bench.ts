// Bench figure for issue #10's upload attack in full: 30 concurrent anonymous 15 MB multipart POSTs to /staff/login (and to an upload route), and 30 signed-in ones; server peak RSS target < 250 MB.
import { startStaffServer } from './helpers/staff-server';
import { uploadFlood, type FloodResult } from './helpers/upload-flood';

export interface UploadMemoryFigure { name: string; value: string; target?: string; ok?: boolean }

function rows(label: string, r: FloodResult): UploadMemoryFigure[] {
  return [
    { name: `${label}: server RSS before / peak`, value: `${r.baselineRssMb.toFixed(0)} MB / ${r.peakRssMb.toFixed(0)} MB`, target: '< 250 MB', ok: r.peakRssMb < 250 },
    { name: `${label}: answers`, value: `${JSON.stringify(r.statuses)} in ${r.seconds.toFixed(1)} s` },
  ];
}

export async function benchUploadMemory(): Promise<UploadMemoryFigure[]> {
  const s = await startStaffServer();
  try {
    const login = await uploadFlood(s.server.url, s.server.pid, { requests: 30, megabytes: 15, path: '/staff/login' });
    const upload = await uploadFlood(s.server.url, s.server.pid, { requests: 30, megabytes: 15, path: `/staff/trials/${s.trialId}/schools` });
    const signed = await uploadFlood(s.server.url, s.server.pid, { requests: 30, megabytes: 15, path: `/staff/trials/${s.trialId}/schools`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    const alive = (await fetch(`${s.server.url}/api/health`)).status === 200;
    return [
      ...rows('30 x 15 MB anonymous POST /staff/login', login),
      ...rows('30 x 15 MB anonymous POST to an upload route', upload),
      ...rows('30 x 15 MB signed-in uploads (5 MB cap)', signed),
      { name: 'server still serving afterwards', value: alive ? 'yes' : 'no', target: 'yes', ok: alive },
    ];
  } finally {
    await s.cleanup();
  }
}
