export { ServiceStartError } from './service-start-error.js';
export {
  restartRedis,
  type ServiceUrls,
  type StartServicesOptions,
  startServices,
  stopServices,
} from './services.js';
