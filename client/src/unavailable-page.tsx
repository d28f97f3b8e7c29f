// What the respondent page shows when the link stops working (unknown, closed) or the server cannot be reached.
import { useEffect } from 'react';

const copy: Record<'404' | '410' | 'offline' | 'error', { title: string; body: string[] }> = {
  404: {
    title: "This link doesn't work",
    body: ['We could not find a survey for this link. Check that you copied the whole link from your invitation email, or click the link in the email again.',
      "If it still doesn't work, reply to your invitation email and the evaluation team will send you a new link."],
  },
  410: {
    title: 'This survey has closed',
    body: ['This survey is no longer accepting answers, so there is nothing more you need to do. Thank you for your time.',
      'If you think this is a mistake, reply to your invitation email and the evaluation team will help.'],
  },
  offline: {
    title: "We can't reach the survey",
    body: ['The survey could not be loaded because the connection was lost. Check your internet connection and reload this page.',
      'Anything you saved before is kept safely.'],
  },
  error: {
    title: 'The survey is not available just now',
    body: ['Something went wrong on our side. Please reload this page in a few minutes; anything you saved before is kept safely.'],
  },
};

export function UnavailablePage({ status }: { status: number }) {
  const key = status === 404 ? '404' : status === 410 ? '410' : status === 0 ? 'offline' : 'error';
  const page = copy[key];
  useEffect(() => { document.title = `${page.title} – Survey for Designated Safeguarding Leads`; }, [page.title]);
  return (
    <main className="dk-main">
      <h1>{page.title}</h1>
      {page.body.map((p) => <p key={p}>{p}</p>)}
    </main>
  );
}
