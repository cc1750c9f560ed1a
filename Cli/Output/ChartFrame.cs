namespace Meta.Cli.Output;

/// <summary>Options for one axis of a <see cref="ChartFrame"/>.</summary>
/// <remarks>
/// <c>SnapMin</c>/<c>SnapMax</c> always extend that end of the range to the next tick; otherwise an end is extended
/// only when the next tick lies within <c>SnapTolerance</c> (a fraction of the range) of it.
/// </remarks>
internal readonly record struct AxisSpec(
    string Title, double Min, double Max, bool Integer = false, bool SnapMin = false, bool SnapMax = false,
    double SnapTolerance = 0);

/// <summary>
/// Lays out and draws the furniture of a simple chart: title, plot area, axes with nice ticks and labels, axis
/// titles, optional grid and a legend in the right margin. Data is drawn by the caller between
/// <see cref="DrawGrid"/> and <see cref="DrawAxes"/> using <see cref="X"/>/<see cref="Y"/>.
/// </summary>
internal sealed class ChartFrame
{
    public static readonly Rgb AxisColor = new(40, 40, 40);
    public static readonly Rgb TextColor = new(25, 25, 25);
    public static readonly Rgb GridColor = new(232, 232, 232);

    private readonly string _title;
    private readonly string _xTitle;
    private readonly string _yTitle;
    private readonly IReadOnlyList<(string Label, Rgb Color)> _legend;
    private double[] _xTicks = [];
    private double[] _yTicks = [];
    private string[] _xLabels = [];
    private string[] _yLabels = [];
    private int _titleScale;
    private int _pad;
    private int _gap;
    private int _tickLen;
    private int _lineWidth;
    private int _legendLabelMaxChars;

    private ChartFrame(PngCanvas canvas, string title, string xTitle, string yTitle,
        IReadOnlyList<(string Label, Rgb Color)> legend)
    {
        Canvas = canvas;
        _title = title ?? "";
        _xTitle = xTitle ?? "";
        _yTitle = yTitle ?? "";
        _legend = legend;
    }

    public PngCanvas Canvas { get; }

    /// <summary>Text scale of labels (1 for small images, 2 otherwise).</summary>
    public int Scale { get; private set; }

    /// <summary>Plot area, inclusive pixel bounds.</summary>
    public int Left { get; private set; }

    public int Top { get; private set; }

    public int Right { get; private set; }

    public int Bottom { get; private set; }

    public int PlotWidth => Right - Left + 1;

    public int PlotHeight => Bottom - Top + 1;

    public double XMin { get; private set; }

    public double XMax { get; private set; }

    public double YMin { get; private set; }

    public double YMax { get; private set; }

    /// <summary>Line width used for data lines (matches the axes).</summary>
    public int LineWidth => _lineWidth;

    /// <summary>Pixel x (fractional) of data value <paramref name="v"/>.</summary>
    public double X(double v) => Left + ((v - XMin) / (XMax - XMin) * (Right - Left));

    /// <summary>Pixel y (fractional) of data value <paramref name="v"/>.</summary>
    public double Y(double v) => Bottom - ((v - YMin) / (YMax - YMin) * (Bottom - Top));

    public static ChartFrame Create(int width, int height, Rgb background, string title, AxisSpec x, AxisSpec y,
        IReadOnlyList<(string Label, Rgb Color)>? legend = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 120);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        var frame = new ChartFrame(new PngCanvas(width, height, background), title, x.Title, y.Title, legend ?? []);
        frame.Layout(x, y);
        return frame;
    }

    /// <summary>Restricts drawing to the plot area.</summary>
    public void ClipToPlot() => Canvas.SetClip(Left, Top, PlotWidth, PlotHeight);

    /// <summary>Light grid lines at the tick positions.</summary>
    public void DrawGrid(bool vertical, bool horizontal)
    {
        Canvas.ResetClip();
        if (vertical)
        {
            foreach (double t in _xTicks)
            {
                int px = (int)Math.Round(X(t));
                Canvas.FillRect(px, Top, 1, PlotHeight, GridColor);
            }
        }
        if (horizontal)
        {
            foreach (double t in _yTicks)
            {
                int py = (int)Math.Round(Y(t));
                Canvas.FillRect(Left, py, PlotWidth, 1, GridColor);
            }
        }
    }

    /// <summary>Axes box, ticks, tick labels, axis titles, chart title and legend (drawn over the data).</summary>
    public void DrawAxes()
    {
        var c = Canvas;
        c.ResetClip();
        int s = Scale;
        int lw = _lineWidth;

        // Box just outside the plot area.
        c.FillRect(Left - lw, Top - lw, PlotWidth + (2 * lw), lw, AxisColor);
        c.FillRect(Left - lw, Bottom + 1, PlotWidth + (2 * lw), lw, AxisColor);
        c.FillRect(Left - lw, Top - lw, lw, PlotHeight + (2 * lw), AxisColor);
        c.FillRect(Right + 1, Top - lw, lw, PlotHeight + (2 * lw), AxisColor);

        int capH = BitmapFont.CapHeight * s;
        for (int i = 0; i < _xTicks.Length; i++)
        {
            int px = (int)Math.Round(X(_xTicks[i]));
            c.FillRect(px - ((lw - 1) / 2), Bottom + 1 + lw, lw, _tickLen, AxisColor);
            int w = BitmapFont.MeasureWidth(_xLabels[i], s);
            c.DrawText(px - (w / 2), Bottom + 1 + lw + _tickLen + (_gap / 2), _xLabels[i], TextColor, s);
        }
        for (int i = 0; i < _yTicks.Length; i++)
        {
            int py = (int)Math.Round(Y(_yTicks[i]));
            c.FillRect(Left - lw - _tickLen, py - ((lw - 1) / 2), _tickLen, lw, AxisColor);
            int w = BitmapFont.MeasureWidth(_yLabels[i], s);
            c.DrawText(Left - lw - _tickLen - (_gap / 2) - w, py - (capH / 2), _yLabels[i], TextColor, s);
        }

        if (_xTitle.Length > 0)
        {
            int w = BitmapFont.MeasureWidth(_xTitle, s);
            int cx = (Left + Right) / 2;
            c.DrawText(Math.Max(_pad, cx - (w / 2)), Canvas.Height - _pad - BitmapFont.MeasureHeight(s), _xTitle, TextColor, s);
        }
        if (_yTitle.Length > 0)
        {
            int h = BitmapFont.MeasureWidth(_yTitle, s);
            int cy = (Top + Bottom) / 2;
            c.DrawTextVertical(_pad, Math.Max(_pad, cy - (h / 2)), _yTitle, TextColor, s);
        }
        if (_title.Length > 0)
        {
            int w = BitmapFont.MeasureWidth(_title, _titleScale);
            int cx = (Left + Right) / 2;
            int tx = Math.Clamp(cx - (w / 2), _pad, Math.Max(_pad, Canvas.Width - _pad - w));
            c.DrawText(tx, _pad, _title, Rgb.Black, _titleScale);
        }
        DrawLegend();
    }

    private void DrawLegend()
    {
        if (_legend.Count == 0)
        {
            return;
        }
        var c = Canvas;
        int s = Scale;
        int swatch = BitmapFont.CapHeight * s;
        int rowH = BitmapFont.MeasureHeight(s) + (3 * s);
        int x0 = Right + _lineWidth + (2 * _gap);
        int innerPad = 3 * s + 2;
        int maxLabelW = 0;
        var labels = new string[_legend.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = Truncate(_legend[i].Label, _legendLabelMaxChars);
            maxLabelW = Math.Max(maxLabelW, BitmapFont.MeasureWidth(labels[i], s));
        }
        int boxW = innerPad + swatch + _gap + maxLabelW + innerPad;
        int maxRows = Math.Max(1, (PlotHeight - (2 * innerPad)) / rowH);
        int rows = Math.Min(labels.Length, maxRows);
        int boxH = (2 * innerPad) + (rows * rowH) - (3 * s);
        c.FillRect(x0, Top, boxW, boxH, Rgb.White);
        c.DrawRect(x0, Top, boxW, boxH, Rgb.LightGray);
        for (int i = 0; i < rows; i++)
        {
            int y = Top + innerPad + (i * rowH);
            bool more = i == rows - 1 && rows < labels.Length;
            if (more)
            {
                c.DrawText(x0 + innerPad, y, $"... {labels.Length - rows + 1} more", TextColor, s);
                break;
            }
            c.FillRect(x0 + innerPad, y, swatch, swatch, _legend[i].Color);
            c.DrawText(x0 + innerPad + swatch + _gap, y, labels[i], TextColor, s);
        }
    }

    private static string Truncate(string text, int maxChars) =>
        text.Length <= maxChars ? text : string.Concat(text.AsSpan(0, Math.Max(1, maxChars - 2)), "..");

    private void Layout(AxisSpec xSpec, AxisSpec ySpec)
    {
        int width = Canvas.Width;
        int height = Canvas.Height;
        int s = width >= 800 && height >= 400 ? 2 : 1;
        Scale = s;
        _pad = 6 + (4 * s);
        _gap = 4 * s;
        _tickLen = 3 + (2 * s);
        _lineWidth = s;
        int labelH = BitmapFont.MeasureHeight(s);

        _titleScale = s + 1;
        while (_titleScale > 1 && BitmapFont.MeasureWidth(_title, _titleScale) > width - (2 * _pad))
        {
            _titleScale--;
        }

        Top = _pad + (_title.Length > 0 ? BitmapFont.MeasureHeight(_titleScale) + (2 * _gap) : _gap) + _lineWidth;
        Bottom = height - 1 - (_pad + (_xTitle.Length > 0 ? labelH + _gap : 0) + labelH + _gap + _tickLen + _lineWidth);

        // Y axis first: its labels decide the left margin.
        var (yMin, yMax) = Sanitize(ySpec.Min, ySpec.Max);
        int plotH = Math.Max(10, Bottom - Top);
        (yMin, yMax, _yTicks, _yLabels) = MakeTicks(yMin, yMax, ySpec, plotH,
            target: Math.Clamp(plotH / ((30 * s) + 10), 2, 10),
            extent: _ => labelH + (2 * _gap));
        YMin = yMin;
        YMax = yMax;
        int yLabelW = _yLabels.Length == 0 ? 0 : _yLabels.Max(l => BitmapFont.MeasureWidth(l, s));
        Left = _pad + (_yTitle.Length > 0 ? labelH + (2 * _gap) : 0) + yLabelW + _gap + _tickLen + _lineWidth;

        // Legend (if any) in the right margin, at most a quarter of the width.
        int legendW = 0;
        if (_legend.Count > 0)
        {
            int innerPad = (3 * s) + 2;
            int swatch = BitmapFont.CapHeight * s;
            int fixedW = (2 * innerPad) + swatch + _gap + (2 * _gap);
            int maxLabelPx = Math.Max(BitmapFont.Advance * s * 4, (width / 4) - fixedW);
            _legendLabelMaxChars = Math.Max(4, (maxLabelPx + s) / (BitmapFont.Advance * s));
            int labelW = _legend.Max(e => BitmapFont.MeasureWidth(Truncate(e.Label, _legendLabelMaxChars), s));
            legendW = fixedW + labelW;
        }

        var (xMin, xMax) = Sanitize(xSpec.Min, xSpec.Max);
        int rightLimit = width - 1 - _pad - _lineWidth - legendW;
        int plotW = Math.Max(10, rightLimit - Left);
        (xMin, xMax, _xTicks, _xLabels) = MakeTicks(xMin, xMax, xSpec, plotW,
            target: Math.Clamp(plotW / (60 * s), 2, 12),
            extent: l => BitmapFont.MeasureWidth(l, s) + (3 * BitmapFont.Advance * s));
        XMin = xMin;
        XMax = xMax;
        int lastHalf = _legend.Count == 0 && _xLabels.Length > 0
            ? BitmapFont.MeasureWidth(_xLabels[^1], s) / 2
            : 0;
        Right = Math.Max(Left + 10, Math.Min(rightLimit, width - 1 - _pad - lastHalf));
        Bottom = Math.Max(Top + 10, Bottom);
    }

    private static (double Min, double Max) Sanitize(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            (min, max) = (0, 1);
        }
        if (max < min)
        {
            (min, max) = (max, min);
        }
        double scale = Math.Max(Math.Abs(min), Math.Abs(max));
        if (max - min <= 1e-12 * Math.Max(scale, 1e-300))
        {
            double d = scale > 0 ? scale * 0.1 : 1;
            (min, max) = (min - d, max + d);
        }
        return (min, max);
    }

    private static (double Min, double Max, double[] Ticks, string[] Labels) MakeTicks(
        double min, double max, AxisSpec spec, int pixels, int target, Func<string, int> extent)
    {
        double step = NiceTicks.NiceStep((max - min) / target);
        if (spec.Integer)
        {
            step = Math.Max(1, step);
        }
        for (int attempt = 0; ; attempt++)
        {
            double tol = spec.SnapTolerance * (max - min);
            double loSnap = Math.Floor((min / step) + 1e-9) * step;
            double hiSnap = Math.Ceiling((max / step) - 1e-9) * step;
            double lo = spec.SnapMin || min - loSnap <= tol ? loSnap : min;
            double hi = spec.SnapMax || hiSnap - max <= tol ? hiSnap : max;
            if (hi <= lo)
            {
                hi = lo + step;
            }
            double[] ticks = NiceTicks.Ticks(lo, hi, step);
            string[] labels = ticks.Select(t => NiceTicks.Format(t, step)).ToArray();
            double spacing = step / (hi - lo) * pixels;
            int need = labels.Length == 0 ? 0 : labels.Max(extent);
            if (spacing >= need || ticks.Length <= 2 || attempt > 30)
            {
                return (lo, hi, ticks, labels);
            }
            step = NiceTicks.NextStep(step);
        }
    }
}
