// Every staff route (the table the router and the route x role tests share), assembled from each console's list.
import type { StaffRoute } from './route-table';
import { accountRoutes } from './account-routes';
import { trialRoutes } from './trial-routes';
import { fieldworkRoutes } from './fieldwork-routes';
import { dataRoutes } from './data-routes';
import { supervisionRoutes } from './supervision-routes';
import { sessionFormRoutes } from './session-form-routes';
import { supervisionSchoolRoutes } from './supervision-school-routes';
import { recordRoutes } from './record-routes';
import { userAdminRoutes } from './user-admin-routes';
import { dashboardStaffRoutes } from '../dashboards/staff-routes';
import { programmeStaffRoutes } from '../programme/staff-routes';
import { programmeSetupRoutes } from '../programme/setup-routes';
import { reportInputRoutes } from './report-input-routes';
import { reportSectionRoutes } from './report-section-routes';
import { schoolStatusRoutes } from './school-status-routes';
import { allocationRoutes } from './allocation-routes';
import { startPageRoutes } from './start-page-routes';
import { auditRoutes } from './audit-routes';
import { covariateRoutes } from './covariate-routes';
import { reportComparisonRoutes } from './report-comparison-routes';

export const staffRoutes: readonly StaffRoute[] = [
  ...accountRoutes,
  ...trialRoutes,
  ...auditRoutes,
  ...fieldworkRoutes,
  ...dataRoutes,
  ...supervisionRoutes,
  ...sessionFormRoutes,
  ...supervisionSchoolRoutes,
  ...recordRoutes,
  ...userAdminRoutes,
  ...dashboardStaffRoutes,
  ...programmeStaffRoutes,
  ...programmeSetupRoutes,
  ...reportInputRoutes,
  ...reportSectionRoutes,
  ...schoolStatusRoutes,
  ...allocationRoutes,
  ...startPageRoutes,
  ...covariateRoutes,
  ...reportComparisonRoutes,
];
