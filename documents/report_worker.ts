/**
 * Worker that lays out one report PDF (see `report_pdf.ts`) and posts its
 * bytes back; it is terminated after each report.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { layoutReportPdf, type ReportDocument } from "./report_pdf.ts";

self.onmessage = async (event: MessageEvent<ReportDocument>) => {
  const pdf = await layoutReportPdf(event.data);
  self.postMessage(pdf);
};
