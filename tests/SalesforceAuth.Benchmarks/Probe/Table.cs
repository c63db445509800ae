using System.Text;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>A plain Markdown table for console reports.</summary>
public static class Table
{
    public static string Format(List<string[]> lines)
    {
        var widths = Enumerable.Range(0, lines[0].Length).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            sb.Append('|');
            for (var c = 0; c < widths.Length; c++)
            {
                sb.Append(' ').Append(lines[i][c].PadRight(widths[c])).Append(" |");
            }

            sb.AppendLine();
            if (i == 0)
            {
                sb.Append('|');
                foreach (var w in widths)
                {
                    sb.Append(new string('-', w + 2)).Append('|');
                }

                sb.AppendLine();
            }
        }

        return sb.ToString();
    }
}
