// Every page and its path. The paths are PipeCD's, so existing links keep working.
import application from "./application.js";
import applications from "./applications.js";
import { chainDetail, chainList } from "./chains.js";
import deployment from "./deployment.js";
import deployments from "./deployments.js";
import events from "./events.js";
import insights from "./insights.js";
import login from "./login.js";
import notfound from "./notfound.js";
import settingsApiKey from "./settings-apikey.js";
import settingsPiped from "./settings-piped.js";
import settingsProject from "./settings-project.js";
import traces from "./traces.js";

export const PAGES = [
  ["/login", { ...login, public: true }],
  ["/applications", applications],
  ["/applications/:id", application],
  ["/deployments", deployments],
  ["/deployments/:id", deployment],
  ["/deployment-traces", traces],
  ["/chains", chainList],
  ["/chains/:id", chainDetail],
  ["/events", events],
  ["/insights", insights],
  ["/settings/piped", settingsPiped],
  ["/settings/project", settingsProject],
  ["/settings/api-key", settingsApiKey],
];

export const NOT_FOUND = notfound;
