/**
 * Chart.js, tree-shaken to what the reports draw (bars and lines on a category and a
 * linear scale, with legend and tooltips). Loaded with import() by <reports-chart>,
 * so it is its own chunk and the dashboard's figures show before it arrives.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

export type { Chart };

/** Draws on `canvas`, in the page's font (Chart.js would use Helvetica otherwise). */
export function createChart(
  canvas: HTMLCanvasElement,
  config: ChartConfiguration<"bar" | "line", number[], string>,
  fontFamily: string,
): Chart<"bar" | "line", number[], string> {
  if (fontFamily) Chart.defaults.font.family = fontFamily;
  return new Chart(canvas, config);
}
