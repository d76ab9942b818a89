using System.CommandLine;

namespace EdgeGateway.Center.Web;

/// <summary><c>edge-center passwd --users FILE NAME</c>: adds an operator of the web board or sets a new password; the password is read from stdin.</summary>
public static class PasswdCommand
{
    public static Command Create()
    {
        var users = new Option<string>("--users") { Description = "The operators' password file (--http-users of the board); made owner-only", Required = true };
        var name = new Argument<string>("NAME") { Description = "The operator's name, as the acks will say it" };
        var command = new Command("passwd", "Add a web-board operator or change one's password (read from stdin: one line; twice when typed)") { users, name };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(users)!;
            var password = ReadPassword();
            if (password is null)
            {
                Console.Error.WriteLine("edge-center passwd: no password given (an empty one, or the two typed differ)");
                return 1;
            }

            try
            {
                new OperatorPasswords(file).Set(parse.GetValue(name)!, password);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"edge-center passwd: {ex.Message}");
                return 1;
            }

            Console.WriteLine($"edge-center passwd: {parse.GetValue(name)} set in {file}");
            return 0;
        });
        return command;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.ReadLine() is { Length: > 0 } piped ? piped : null;
        }

        var first = Prompt("password: ");
        var again = Prompt("again: ");
        return first.Length > 0 && first == again ? first : null;
    }

    private static string Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new System.Text.StringBuilder();
        // Not echoed: someone may stand behind the operator.
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && typed.Length > 0)
            {
                typed.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return typed.ToString();
    }
}
