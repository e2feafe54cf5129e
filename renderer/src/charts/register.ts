import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

// Registering only the parts in use keeps the rest of chart.js out of the bundle.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

// Snapshots arrive up to 4 times a second; animating each change would only blur the lines.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.color = "#5b6472";
Chart.defaults.borderColor = "rgba(127, 127, 127, 0.2)";
Chart.defaults.font.family = "system-ui, sans-serif";

export { Chart };
