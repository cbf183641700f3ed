// All silo datasets of a city, in a fixed order (the order files and ground truth are written in).
import type { City } from "../city.js";
import type { SiloDataset } from "../dataset.js";
import { civilAssistance, civilSocialOrganisations } from "./civil-affairs.js";
import { gridAddresses, gridDisputes, gridPatrolReports, gridUnits, gridWorkers } from "./grid.js";
import { hotlineWorkOrders } from "./hotline.js";
import { petitionCases } from "./petition.js";
import { publicSecurityIncidents, publicSecurityPopulation } from "./public-security.js";

export function siloDatasets(city: City): SiloDataset[] {
  return [
    publicSecurityPopulation(city),
    publicSecurityIncidents(city),
    civilAssistance(city),
    civilSocialOrganisations(city),
    hotlineWorkOrders(city),
    petitionCases(city),
    gridWorkers(city),
    gridAddresses(city),
    gridUnits(city),
    gridPatrolReports(city),
    gridDisputes(city),
  ];
}
