// Entry point of the respondent page at /s/<token>: mounts the survey app.
import { createRoot } from 'react-dom/client';
import 'survey-core/survey-core.fontless.css';
import './respondent.css';
import { RespondentApp } from './respondent-app';
import { tokenFromPath } from './survey-api';

const root = document.getElementById('root');
if (root) createRoot(root).render(<RespondentApp token={tokenFromPath(window.location.pathname)} />);
