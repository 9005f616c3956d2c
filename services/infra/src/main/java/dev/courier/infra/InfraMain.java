package dev.courier.infra;

import java.nio.file.Path;

/**
 * {@code start | stop | status [home]}: manages a local stack from the command line (the
 * {@code courier} script and CI use it). The home defaults to {@code $COURIER_HOME} or {@code .courier/dev}.
 */
public final class InfraMain {

    private InfraMain() {
    }

    public static void main(String[] args) {
        String command = args.length > 0 ? args[0] : "status";
        Path home = Path.of(args.length > 1 ? args[1] : System.getenv().getOrDefault("COURIER_HOME", ".courier/dev"));
        boolean test = home.getFileName() != null && home.getFileName().toString().equals("test");
        LocalStack stack = test ? LocalStack.test(home) : LocalStack.dev(home);
        try {
            switch (command) {
                case "start" -> System.out.println(stack.start());
                case "stop" -> {
                    stack.stop();
                    System.out.println("Stopped the servers under " + stack.home());
                }
                default -> {
                    System.err.println("usage: InfraMain start|stop [home]");
                    System.exit(2);
                }
            }
        } catch (InfraException e) {
            System.err.println("courier: " + e.getMessage());
            System.exit(1);
        }
    }
}
