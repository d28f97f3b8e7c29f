// Every staff route (the table the router and the route x role tests share), assembled from each console's list.
import type { StaffRoute } from './route-table';
import { accountRoutes } from './account-routes';
import { trialRoutes } from './trial-routes';

export const staffRoutes: readonly StaffRoute[] = [
  ...accountRoutes,
  ...trialRoutes,
];
