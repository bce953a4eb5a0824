/**
 * The most frequent first names (500 male, 500 female) and surnames (2,000) of the 1990 United States
 * Census ("Frequently Occurring First Names and Surnames From the 1990 Census", U.S. Census Bureau; a
 * work of the U.S. Government, public domain), lower-case, in frequency order. The recogniser's language
 * model learns callers' names from them (buildPhraseSpec).
 */
const words = (list: string) => list.trim().split(/\s+/);

export const CENSUS_FIRST_NAMES: readonly string[] = words(`
james john robert michael william david richard charles joseph thomas christopher daniel paul mark donald george
kenneth steven edward brian ronald anthony kevin jason matthew gary timothy jose larry jeffrey frank scott eric
stephen andrew raymond gregory joshua jerry dennis walter patrick peter harold douglas henry carl arthur ryan roger
joe juan jack albert jonathan justin terry gerald keith samuel willie ralph lawrence nicholas roy benjamin bruce
brandon adam harry fred wayne billy steve louis jeremy aaron randy howard eugene carlos russell bobby victor martin
ernest phillip todd jesse craig alan shawn clarence sean philip chris johnny earl jimmy antonio danny bryan tony luis
mike stanley leonard nathan dale manuel rodney curtis norman allen marvin vincent glenn jeffery travis jeff chad jacob
lee melvin alfred kyle francis bradley jesus herbert frederick ray joel edwin don eddie ricky troy randall barry
alexander bernard mario leroy francisco marcus micheal theodore clifford miguel oscar jay jim tom calvin alex jon
ronnie bill lloyd tommy leon derek warren darrell jerome floyd leo alvin tim wesley gordon dean greg jorge dustin
pedro derrick dan lewis zachary corey herman maurice vernon roberto clyde glen hector shane ricardo sam rick lester
brent ramon charlie tyler gilbert gene marc reginald ruben brett angel nathaniel rafael leslie edgar milton raul ben
chester cecil duane franklin andre elmer brad gabriel ron mitchell roland arnold harvey jared adrian karl cory claude
erik darryl jamie neil jessie christian javier fernando clinton ted mathew tyrone darren lonnie lance cody julio kelly
kurt allan nelson guy clayton hugh max dwayne dwight armando felix jimmie everett jordan ian wallace ken bob jaime
casey alfredo alberto dave ivan johnnie sidney byron julian isaac morris clifton willard daryl ross virgil andy
marshall salvador perry kirk sergio marion tracy seth kent terrance rene eduardo terrence enrique freddie wade austin
stuart fredrick arturo alejandro jackie joey nick luther wendell jeremiah evan julius dana donnie otis shannon trevor
oliver luke homer gerard doug kenny hubert angelo shaun lyle matt lynn alfonso orlando rex carlton ernesto cameron
neal pablo lorenzo omar wilbur blake grant horace roderick kerry abraham willis rickey jean ira andres cesar johnathan
malcolm rudolph damon kelvin rudy preston alton archie marco wm pete randolph garry geoffrey jonathon felipe bennie
gerardo ed dominic robin loren delbert colin guillermo earnest lucas benny noel spencer rodolfo myron edmund garrett
salvatore cedric lowell gregg sherman wilson devin sylvester kim roosevelt israel jermaine forrest wilbert leland
simon guadalupe clark irving carroll bryant owen rufus woodrow sammy kristopher mack levi marcos gustavo jake lionel
marty taylor ellis dallas gilberto clint nicolas laurence ismael orville drew jody ervin dewey al wilfred josh hugo
ignacio caleb tomas sheldon erick frankie stewart doyle darrel rogelio terence santiago alonzo elias bert elbert
ramiro conrad pat noah grady phil cornelius lamar rolando clay percy dexter bradford merle darin amos terrell moses
irvin saul roman darnell randal tommie timmy darrin winston brendan toby van abel dominick boyd courtney jan emilio
elijah cary domingo santos aubrey emmett marlon emanuel jerald edmond mary patricia linda barbara elizabeth jennifer
maria susan margaret dorothy lisa nancy karen betty helen sandra donna carol ruth sharon michelle laura sarah kimberly
deborah jessica shirley cynthia angela melissa brenda amy anna rebecca virginia kathleen pamela martha debra amanda
stephanie carolyn christine marie janet catherine frances ann joyce diane alice julie heather teresa doris gloria
evelyn cheryl mildred katherine joan ashley judith rose janice nicole judy christina kathy theresa beverly denise
tammy irene jane lori rachel marilyn andrea kathryn louise sara anne jacqueline wanda bonnie julia ruby lois tina
phyllis norma paula diana annie lillian emily peggy crystal gladys rita dawn connie florence edna tiffany carmen rosa
cindy grace wendy victoria edith sherry sylvia josephine thelma sheila ethel ellen elaine marjorie carrie charlotte
monica esther pauline emma juanita anita rhonda hazel amber eva debbie april clara lucille joanne eleanor valerie
danielle megan alicia suzanne michele gail bertha darlene veronica jill erin geraldine lauren cathy joann lorraine
sally regina erica beatrice dolores bernice audrey yvonne annette june samantha stacy ana renee ida vivian roberta
holly brittany melanie loretta yolanda jeanette laurie katie kristen vanessa alma sue elsie beth jeanne vicki carla
tara rosemary eileen terri gertrude lucy tonya ella stacey wilma gina kristin natalie agnes vera charlene bessie
delores melinda pearl arlene maureen colleen allison tamara joy georgia constance lillie claudia marcia tanya nellie
minnie marlene heidi glenda lydia viola marian stella caroline dora jo vickie mattie maxine irma mabel marsha myrtle
lena christy deanna patsy hilda gwendolyn jennie nora margie nina cassandra leah penny kay priscilla naomi carole
brandy olga billie dianne tracey leona jenny felicia sonia miriam velma becky bobbie violet kristina toni misty mae
shelly daisy ramona sherri erika katrina claire lindsey lindsay geneva belinda margarita sheryl cora faye ada natasha
sabrina isabel marguerite hattie harriet molly cecilia kristi brandi blanche sandy rosie joanna iris eunice angie inez
lynda madeline amelia alberta genevieve monique jodi janie maggie kayla sonya kristine candace fannie maryann opal
alison yvette melody luz susie olivia flora shelley kristy mamie lula lola verna beulah antoinette candice juana
jeannette pam kelli hannah whitney bridget karla celia latoya patty shelia gayle della vicky lynne sheri marianne kara
jacquelyn erma blanca myra leticia krista roxanne angelica robyn adrienne rosalie alexandra brooke bethany sadie
bernadette traci kendra jasmine nichole rachael chelsea mable ernestine muriel marcella elena krystal angelina nadine
kari estelle dianna paulette lora mona doreen rosemarie desiree antonia hope ginger janis betsy christie freda
mercedes meredith lynette teri cristina eula leigh meghan sophia eloise rochelle gretchen cecelia raquel henrietta
alyssa jana kelley gwen jenna tricia laverne olive alexis tasha silvia elvira delia sophie kate patti lorena kellie
sonja lila lana darla may mindy essie mandy lorene elsa josefina jeannie miranda dixie lucia marta faith lela johanna
shari camille tami shawna elisa ebony melba ora nettie tabitha ollie winifred kristie
`);

export const CENSUS_SURNAMES: readonly string[] = words(`
smith johnson williams jones brown davis miller wilson moore taylor anderson thomas jackson white harris martin
thompson garcia martinez robinson clark rodriguez lewis lee walker hall allen young hernandez king wright lopez hill
scott green adams baker gonzalez nelson carter mitchell perez roberts turner phillips campbell parker evans edwards
collins stewart sanchez morris rogers reed cook morgan bell murphy bailey rivera cooper richardson cox howard ward
torres peterson gray ramirez james watson brooks kelly sanders price bennett wood barnes ross henderson coleman
jenkins perry powell long patterson hughes flores washington butler simmons foster gonzales bryant alexander russell
griffin diaz hayes myers ford hamilton graham sullivan wallace woods cole west jordan owens reynolds fisher ellis
harrison gibson mcdonald cruz marshall ortiz gomez murray freeman wells webb simpson stevens tucker porter hunter
hicks crawford henry boyd mason morales kennedy warren dixon ramos reyes burns gordon shaw holmes rice robertson hunt
black daniels palmer mills nichols grant knight ferguson rose stone hawkins dunn perkins hudson spencer gardner
stephens payne pierce berry matthews arnold wagner willis ray watkins olson carroll duncan snyder hart cunningham
bradley lane andrews ruiz harper fox riley armstrong carpenter weaver greene lawrence elliott chavez sims austin
peters kelley franklin lawson fields gutierrez ryan schmidt carr vasquez castillo wheeler chapman oliver montgomery
richards williamson johnston banks meyer bishop mccoy howell alvarez morrison hansen fernandez garza harvey little
burton stanley nguyen george jacobs reid kim fuller lynch dean gilbert garrett romero welch larson frazier burke
hanson day mendoza moreno bowman medina fowler brewer hoffman carlson silva pearson holland douglas fleming jensen
vargas byrd davidson hopkins may terry herrera wade soto walters curtis neal caldwell lowe jennings barnett graves
jimenez horton shelton barrett obrien castro sutton gregory mckinney lucas miles craig rodriquez chambers holt lambert
fletcher watts bates hale rhodes pena beck newman haynes mcdaniel mendez bush vaughn parks dawson santiago norris
hardy love steele curry powers schultz barker guzman page munoz ball keller chandler weber leonard walsh lyons ramsey
wolfe schneider mullins benson sharp bowen daniel barber cummings hines baldwin griffith valdez hubbard salazar reeves
warner stevenson burgess santos tate cross garner mann mack moss thornton dennis mcgee farmer delgado aguilar vega
glover manning cohen harmon rodgers robbins newton todd blair higgins ingram reese cannon strickland townsend potter
goodwin walton rowe hampton ortega patton swanson joseph francis goodman maldonado yates becker erickson hodges rios
conner adkins webster norman malone hammond flowers cobb moody quinn blake maxwell pope floyd osborne paul mccarthy
guerrero lindsey estrada sandoval gibbs tyler gross fitzgerald stokes doyle sherman saunders wise colon gill alvarado
greer padilla simon waters nunez ballard schwartz mcbride houston christensen klein pratt briggs parsons mclaughlin
zimmerman french buchanan moran copeland roy pittman brady mccormick holloway brock poole frank logan owen bass marsh
drake wong jefferson park morton abbott sparks patrick norton huff clayton massey lloyd figueroa carson bowers
roberson barton tran lamb harrington casey boone cortez clarke mathis singleton wilkins cain bryan underwood hogan
mckenzie collier luna phelps mcguire allison bridges wilkerson nash summers atkins wilcox pitts conley marquez burnett
richard cochran chase davenport hood gates clay ayala sawyer roman vazquez dickerson hodge acosta flynn espinoza
nicholson monroe wolf morrow kirk randall anthony whitaker oconnor skinner ware molina kirby huffman bradford charles
gilmore dominguez oneal bruce lang combs kramer heath hancock gallagher gaines shaffer short wiggins mathews mcclain
fischer wall small melton hensley bond dyer cameron grimes contreras christian wyatt baxter snow mosley shepherd
larsen hoover beasley glenn petersen whitehead meyers keith garrison vincent shields horn savage olsen schroeder
hartman woodard mueller kemp deleon booth patel calhoun wiley eaton cline navarro harrell lester humphrey parrish
duran hutchinson hess dorsey bullock robles beard dalton avila vance rich blackwell york johns blankenship trevino
salinas campos pruitt moses callahan golden montoya hardin guerra mcdowell carey stafford gallegos henson wilkinson
booker merritt miranda atkinson orr decker hobbs preston tanner knox pacheco stephenson glass rojas serrano marks
hickman english sweeney strong prince mcclure conway walter roth maynard farrell lowery hurst nixon weiss trujillo
ellison sloan juarez winters mclean randolph leon boyer villarreal mccall gentry carrillo kent ayers lara shannon
sexton pace hull leblanc browning velasquez leach chang house sellers herring noble foley bartlett mercado landry
durham walls barr mckee bauer rivers everett bradshaw pugh velez rush estes dodson morse sheppard weeks camacho bean
barron livingston middleton spears branch blevins chen kerr mcconnell hatfield harding ashley solis herman frost giles
blackburn william pennington woodward finley mcintosh koch best solomon mccullough dudley nolan blanchard rivas
brennan mejia kane benton joyce buckley haley valentine maddox russo mcknight buck moon mcmillan crosby berg dotson
mays roach church chan richmond meadows faulkner oneill knapp kline barry ochoa jacobson gay avery hendricks horne
shepard hebert cherry cardenas mcintyre whitney waller holman donaldson cantu terrell morin gillespie fuentes tillman
sanford bentley peck key salas rollins gamble dickson battle santana cabrera cervantes howe hinton hurley spence
zamora yang mcneil suarez case petty gould mcfarland sampson carver bray rosario macdonald stout hester melendez
dillon farley hopper galloway potts bernard joyner stein aguirre osborn mercer bender franco rowland sykes benjamin
travis pickett crane sears mayo dunlap hayden wilder mckay coffey mccarty ewing cooley vaughan bonner cotton holder
stark ferrell cantrell fulton lynn lott calderon rosa pollard hooper burch mullen fry riddle levy david duke odonnell
guy michael britt frederick daugherty berger dillard alston jarvis frye riggs chaney odom duffy fitzpatrick valenzuela
merrill mayer alford mcpherson acevedo donovan barrera albert cote reilly compton raymond mooney mcgowan craft
cleveland clemons wynn nielsen baird stanton snider rosales bright witt stuart hays holden rutledge kinney clements
castaneda slater hahn emerson conrad burks delaney pate lancaster sweet justice tyson sharpe whitfield talley macias
irwin burris ratliff mccray madden kaufman beach goff cash bolton mcfadden levine good byers kirkland kidd workman
carney dale mcleod holcomb england finch head burt hendrix sosa haney franks sargent nieves downs rasmussen bird
hewitt lindsay le foreman valencia oneil delacruz vinson dejesus hyde forbes gilliam guthrie wooten huber barlow boyle
mcmahon buckner rocha puckett langley knowles cooke velazquez whitley noel vang shea rouse hartley mayfield elder
rankin hanna cowan lucero arroyo slaughter haas oconnell minor kendrick shirley kendall boucher archer boggs odell
dougherty andersen newell crowe wang friedman bland swain holley felix pearce childs yarbrough galvan proctor meeks
lozano mora rangel bacon villanueva schaefer rosado helms boyce goss stinson smart lake ibarra hutchins covington
reyna gregg werner crowley hatcher mackey bunch womack polk jamison dodd childress childers camp villa dye springer
mahoney dailey belcher lockhart griggs costa connor brandt winter walden moser tracy tatum mccann akers lutz pryor law
orozco mcallister lugo davies shoemaker madison rutherford newsome magee chamberlain blanton simms godfrey flanagan
crum cordova escobar downing sinclair donahue krueger mcginnis gore farris webber corbett andrade starr lyon yoder
hastings mcgrath spivey krause harden crabtree kirkpatrick hollis brandon arrington ervin clifton ritter mcghee bolden
maloney gagnon dunbar ponce pike mayes heard beatty mobley kimball butts montes herbert grady eldridge braun hamm
gibbons seymour moyer manley herron plummer elmore cramer gary rucker hilton blue pierson fontenot field rubio grace
goldstein elkins wills novak john hickey worley gorman katz dickinson broussard fritz woodruff crow christopher
britton forrest nance lehman bingham zuniga whaley shafer coffman steward delarosa nix neely numbers mata manuel
davila mccabe kessler emery bowling hinkle welsh pagan goldberg goins crouch cuevas quinones mcdermott hendrickson
samuels denton bergeron lam ivey locke haines thurman snell hoskins byrne milton winston arthur arias stanford roe
corbin beltran chappell hurt downey dooley tuttle couch payton mcelroy crockett groves clement leslie cartwright
dickey mcgill dubois muniz erwin self tolbert dempsey cisneros sewell latham garland vigil tapia sterling rainey
norwood lacy stroud meade amos tipton lord kuhn hilliard bonilla teague courtney gunn ho greenwood correa reece weston
poe trent pineda phipps frey kaiser ames paige gunter schmitt milligan espinosa carlton bowden vickers lowry pritchard
costello piper mcclellan lovell drew sheehan quick hatch dobson singh jeffries hollingsworth sorensen meza fink
donnelly burrell bruno tomlinson colbert billings ritchie helton sutherland peoples mcqueen gaston thomason mckinley
givens crocker vogel robison dunham coker swartz keys lilly ladner hannah willard richter hargrove edmonds brantley
albright murdock boswell muller quintero padgett kenney daly connolly pierre inman quintana lund barnard villegas
simons land huggins tidwell sanderson bullard mcclendon duarte draper meredith marrero dwyer abrams stover goode
fraser crews bernal smiley godwin fish conklin mcneal baca esparza crowder bower nicholas chung brewster mcneill dick
rodrigues leal coates raines mccain mccord miner holbrook swift dukes carlisle aldridge ackerman starks ricks holliday
ferris hairston sheffield lange fountain marino doss betts kaplan carmichael bloom ruffin penn kern bowles sizemore
larkin dupree jewell silver seals metcalf hutchison henley farr castle mccauley hankins gustafson deal curran ash
waddell ramey cates pollock major irvin cummins messer heller dewitt lin funk cornett palacios galindo cano hathaway
singer pham enriquez aaron salgado pelletier painter wiseman blount hand feliciano temple houser doherty mead mcgraw
toney swan melvin capps blanco blackmon wesley thomson mcmanus fair burkett post gleason rudolph ott dickens cormier
voss rushing rosenberg hurd dumas benitez arellano story marin caudill bragg jaramillo huerta gipson colvin biggs vela
platt cassidy tompkins mccollum kay gabriel dolan daley crump street sneed kilgore grove grimm davison brunson prater
marcum devine kyle dodge stratton rosas choi tripp ledbetter lay hightower haywood feldman epps yeager posey sylvester
scruggs cope stubbs richey overton trotter sprague cordero butcher burger stiles burgos woodson horner bassett purcell
haskins gee akins abraham hoyt ziegler spaulding hadley grubbs sumner murillo zavala shook lockwood jarrett driscoll
dahl thorpe sheridan redmond putnam mcwilliams mcrae cornell felton romano joiner sadler hedrick hager hagen fitch
coulter thacker mansfield langston guidry ferreira corley conn rossi lackey cody baez saenz mcnamara darnell michel
mcmullen mckenna mcdonough link engel browne roper peacock eubanks drummond stringer pritchett parham mims landers ham
grayson stacy schafer egan timmons ohara keen hamlin finn cortes mcnair louis clifford nadeau moseley michaud rosen
oakes kurtz jeffers calloway beal bautista winn suggs stern stapleton lyles laird montano diamond dawkins roland hagan
goldman bryson barajas lovett segura metz lockett langford hinson eastman rock hooks woody smallwood shapiro crowell
whalen triplett hooker chatman aldrich cahill youngblood ybarra stallings sheets samuel reeder person pack lacey
connelly bateman abernathy winkler wilkes masters hackett granger gillis schmitz sapp napier souza lanier gomes weir
otero ledford burroughs babcock ventura siegel dugan clinton christie bledsoe atwood wray varner spangler otto anaya
staley kraft fournier eddy belanger wolff thorne bynum burnette boykin swenson purvis pina khan duvall darby xiong
kauffman ali yu healy engle corona benoit valle steiner spicer shaver randle lundy dow chin calvert staton neff
kearney darden oakley medeiros mccracken crenshaw block beaver perdue dill whittaker tobin cornelius washburn hogue
goodrich easley bravo dennison vera shipley kerns jorgensen crain abel villalobos maurer longoria keene coon sierra
witherspoon staples pettit kincaid eason madrid echols lusk wu stahl currie thayer shultz sherwood mcnally seay north
maher kenny hope gagne barrow nava myles moreland honeycutt hearn diggs caron whitten westbrook stovall ragland queen
munson meier looney kimble jolly hobson london goddard culver burr presley negron connell tovar marcus huddleston
hammer ashby salter root pendleton oleary nickerson myrick judd jacobsen elliot bain adair starnes sheldon matos light
busby herndon hanley bellamy jack doty bartley yazzie rowell parson gifford cullen christiansen benavides barnhart
talbot mock crandall connors bonds whitt gage bergman arredondo addison marion lujan dowdy jernigan huynh bouchard
dutton rhoades ouellette kiser rubin herrington hare denny blackman babb allred rudd paulson ogden koenig jacob irving
geiger begay parra champion lassiter hawk esposito cho waldron vernon ransom prather keenan jean grover chacon vick
sands roark parr mayberry greenberg coley bruner whitman skaggs shipman means leary hutton romo medrano ladd kruse
friend darling askew valentin schulz alfaro tabor mohr gallo bermudez pereira isaac bliss reaves flint comer boston
woodall naquin guevara earl delong carrier pickens brand tilley schaffer read lim knutson fenton doran chu vogt vann
prescott mclain landis corcoran ambrose zapata hyatt hemphill faulk call dove boudreaux aragon whitlock trejo tackett
shearer saldana hanks gold driver mckinnon koehler champagne bourgeois pool keyes goodson foote early lunsford
goldsmith flood winslow sams reagan
`);
