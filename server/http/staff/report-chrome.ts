// A report served on the staff site keeps the site's bar (who is signed in, a way back, the download) and reads on a phone: its wide tables
// scroll inside their own box instead of the page. The downloaded file and `dslkit report` output are the report exactly as rendered.
import { renderFragment } from '../../views/render';

const STYLE = `<style>
  .dslkit-staff-bar { display: flex; flex-wrap: wrap; gap: .4rem 1.5rem; align-items: baseline; background: #1d70b8; color: #fff; padding: .6rem .9rem; margin: 0 0 1.2rem; font-size: .95rem; }
  .dslkit-staff-bar a { color: #fff; font-weight: bold; }
  .dslkit-staff-bar a:focus { background: #fd0; color: #0b0c0c; outline: 3px solid #fd0; }
  .dslkit-table-box:focus { outline: 3px solid #fd0; }
  @media screen and (max-width: 40em) {
    body { padding: .75rem; }
    .dslkit-table-box { overflow-x: auto; }
    .dslkit-table-box caption { max-width: calc(100vw - 1.5rem); }
    dl.facts { grid-template-columns: 1fr; }
    dl.facts dd { margin-bottom: .5rem; }
    nav.toc ol { columns: 1; }
  }
</style>`;

export interface StaffBar { userName: string; roleLabel: string; backHref: string; backText: string; downloadHref: string }

/** The report's HTML with the staff bar first in its body and each table in a box that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it). */
export function withStaffChrome(html: string, bar: StaffBar): string {
  const nav = renderFragment('staff/report-bar', { ...bar });
  return html
    .replace('</head>', `${STYLE}\n</head>`)
    .replace(/<body([^>]*)>/, (m) => `${m}\n${nav}`)
    .replace(/<table\b/g, '<div class="dslkit-table-box" tabindex="0"><table')
    .replace(/<\/table>/g, '</table></div>');
}
