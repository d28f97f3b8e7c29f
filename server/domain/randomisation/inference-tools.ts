// The allocation procedures and R-compatible generator the arm-comparison report's randomisation inference and bootstrap use (reports/view-models/inference.ts), supplied by the server so reports/ need not import it.
import type { InferenceTools } from '../../../reports/view-models/inference';
import { RMersenneTwister } from './mersenne-twister';
import { rerandomisationDesign } from './rerandomise';

export const inferenceTools: InferenceTools = {
  procedure: (units, method) => rerandomisationDesign(units, method),
  uniform: (seed) => { const rng = new RMersenneTwister(seed); return () => rng.unifRand(); },
};
