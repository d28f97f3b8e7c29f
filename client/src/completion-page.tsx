// The page a DSL sees after submitting: thanks and wellbeing signposting, never scores or judgements.
import { useEffect, useRef } from 'react';

export function CompletionPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = 'Thank you – Survey for Designated Safeguarding Leads';
    heading.current?.focus();
  }, []);
  return (
    <main className="dk-main">
      <h1 ref={heading} tabIndex={-1}>Thank you</h1>
      <p>Your answers have been sent. Thank you for the time you have given to this evaluation: it helps us learn how best to support Designated Safeguarding Leads.</p>
      <h2>Looking after yourself</h2>
      <p>Safeguarding work can be demanding. If anything in this survey has been on your mind, or you would simply like to talk to someone, Education Support runs a free and confidential helpline for everyone working in education, open 24 hours a day, every day.</p>
      <ul>
        <li>Call <a href="tel:08000562561">08000 562 561</a></li>
        <li>Visit <a href="https://www.educationsupport.org.uk/">educationsupport.org.uk</a></li>
      </ul>
      <p>You can close this page now.</p>
    </main>
  );
}
