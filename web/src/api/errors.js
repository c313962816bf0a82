// One clear sentence for every failed call, shown to the user.
import { RpcError } from "./grpcweb.js";

// What a method does, in words, for "You do not have permission to ...". Methods not listed are
// turned from their name: ListApplications -> "list applications".
const ACTIONS = {
  GetMe: "view your account",
  GetProject: "view the project settings",
  ListAPIKeys: "list API keys",
  GenerateAPIKey: "create API keys",
  DisableAPIKey: "disable API keys",
  RegisterPiped: "register pipeds",
  RecreatePipedKey: "recreate piped keys",
  DeleteOldPipedKeys: "delete old piped keys",
  GenerateApplicationSealedSecret: "encrypt secrets",
  GetInsightData: "view insights",
  GetInsightApplicationCount: "view insights",
  GetStageLog: "view stage logs",
  UpdatePipedDesiredVersion: "upgrade pipeds",
  AddApplication: "add applications",
  UpdateApplication: "edit applications",
  EnableApplication: "enable applications",
  DisableApplication: "disable applications",
  DeleteApplication: "delete applications",
  SyncApplication: "sync applications",
  CancelDeployment: "cancel deployments",
  ApproveStage: "approve this stage",
  SkipStage: "skip this stage",
  UpdatePiped: "edit pipeds",
  EnablePiped: "enable pipeds",
  DisablePiped: "disable pipeds",
  RestartPiped: "restart pipeds",
};

function words(method) {
  return method.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

export function actionOf(method) {
  return ACTIONS[method] || words(method);
}

/** A user-facing message for an error thrown by a call. */
export function describeError(err) {
  if (!(err instanceof RpcError)) return `Something went wrong: ${err && err.message ? err.message : err}`;
  const what = err.method ? actionOf(err.method) : "do this";
  const detail = err.message && err.message !== err.code ? ` (${err.message})` : "";
  switch (err.code) {
    case "PERMISSION_DENIED": // the approver list check explains itself; RBAC refusals need no detail
      return `You do not have permission to ${what}.${err.method === "ApproveStage" && err.message ? ` ${err.message}.` : ""}`;
    case "UNAUTHENTICATED":
      return "Your session has expired. Please log in again.";
    case "NOT_FOUND":
      return `Not found${detail}.`;
    case "INVALID_ARGUMENT":
      return `Invalid input${detail}.`;
    case "ALREADY_EXISTS":
      return `It already exists${detail}.`;
    case "FAILED_PRECONDITION":
      return `Cannot ${what} now${detail}.`;
    case "UNAVAILABLE":
      return `The control plane is unavailable${detail}. Try again in a moment.`;
    case "DEADLINE_EXCEEDED":
      return "The control plane took too long to answer. Try again.";
    case "UNIMPLEMENTED":
      return `This control plane cannot ${what} yet${detail}.`;
    case "CANCELLED":
      return "The request was cancelled.";
    default:
      return `Failed to ${what}${detail}.`;
  }
}
